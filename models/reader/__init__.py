"""What answering with the project's own reader needs: loading the fine-tuned weights onto
the e5 base (`loading`), the question truecaser, and `weights/`. Training it lives apart,
in `models.training`."""
