"""Webhook delivery's pure core: what a delivery says (payload), how it is signed (signing), which URLs may
receive it (urls), how one POST is made safely (sender) and when to try again (schedule).

Standard library only, besides videogen's exceptions and domain: the layer must not grow for webhooks, and
the delivery function imports this package cold on every container.
"""
