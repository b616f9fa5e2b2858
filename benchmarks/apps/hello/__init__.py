"""The smallest "Hello, World!" app per framework, for the import-time section."""
