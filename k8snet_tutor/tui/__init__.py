"""The Textual user interface: app, screens, widgets. Nothing in core/ or learning/ imports it."""
