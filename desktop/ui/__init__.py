"""The Qt desktop app. It calls the services and runs their long work off the GUI thread."""
