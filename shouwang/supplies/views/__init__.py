"""Views of the supplies app, by area of work."""
