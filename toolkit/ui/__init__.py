"""What a person looks at in Jupyter: the review app (`review`) and the search widget.

Imports the domain packages (`review`, `search`), `store` and the base modules.
"""
