"""One module per `python -m bot` subcommand."""
