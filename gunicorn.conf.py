"""gunicorn's settings, read from the working directory (the image's /app) by
every `gunicorn` command, so the compose file and the Dockerfile need no flags.

The access log leaves out query strings and the Referer header: a search for a
learner's name travels in a query string (and so in the next page's Referer).
It keeps the client, time, method, path, status, size, duration and user agent."""

access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
