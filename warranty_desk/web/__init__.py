"""手机端: the phone companion — a small web service of the program itself, over the same core services.

Pages are rendered on the server (Jinja2) and work on any phone browser; one hand-written script keeps
what is typed, photographed and signed in the phone's own storage until it is sent. Never imports Qt."""
