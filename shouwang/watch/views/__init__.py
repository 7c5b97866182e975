"""Views of the key-person module, one module per page group."""
