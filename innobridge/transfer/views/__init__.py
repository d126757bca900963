"""Web pages of the transfer app, one module per noun: thin — parse, call a selector or
service, render."""
