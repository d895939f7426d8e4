"""The engines and their interface: `base` (Article, Summary, Answer, the Engine protocol),
`errors`, the default `embedded` engine and the hub-model `transformers_engine`."""
