"""The review app: one proposal at a time, in JupyterLab or as a standalone Voila page.

`app` (ReviewApp: the widgets and the decisions they trigger), `queue` (filters, resume, what
comes next, undo steps), `fields` (the form's values, typed days and times), `render` and
`images` (the card's HTML and its image panel), `keys` (keyboard shortcuts), `assets/` (the
page's CSS and JavaScript, and the Voila page template), `serve` (`chatbook review`: Voila on
localhost) and `page` (that Voila: sign-in page, kernels shut down with their page, a kernel
kept warm, nothing loaded from the network).
"""
