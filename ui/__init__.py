"""The Qt user interface. Calls the core; holds no business rules."""
