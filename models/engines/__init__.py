"""The top floor: the default `embedded` engine and the hub-model `transformers_engine`, each
composing the stages below (text, qa, summary, reader, hf). No stage imports this package;
`models.load_engine` picks one by name."""
