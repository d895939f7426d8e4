"""The vocabulary every stage speaks: `types` (Article, Span, Summary, Answer, Turn, the Engine
protocol), `config` (EngineConfig and its typed options), `errors`. The bottom floor: it
imports no other models/ package."""
