"""The command-line interface: thin adapters that parse, call the library and render."""
