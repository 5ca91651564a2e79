"""Helpers the district's print formats (the profile's `print_formats/`) call from Jinja."""
