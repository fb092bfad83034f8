"""The review app: one proposal at a time, in JupyterLab or as a standalone Voila page.

`app` (ReviewApp: the widgets and the decisions they trigger), `queue` (filters, resume, what
comes next), `fields` (the form's values), `render` and `images` (the card's HTML and its image
panel), `keys` (keyboard shortcuts), `assets/` (the page's CSS and JavaScript), and `serve`
(`chatbook review`: Voila on localhost).
"""
