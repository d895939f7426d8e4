"""What only a person training a reader runs: the trainer, calibration of the no-answer
floors, questions generated from NEREL, weight averaging, the model card writer. It imports
the serving packages; none of them, nor the bot process, imports it."""
