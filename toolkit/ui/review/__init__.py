"""The review app: one proposal at a time, in JupyterLab or as a standalone Voila page."""
