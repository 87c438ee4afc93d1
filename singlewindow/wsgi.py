import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "singlewindow.settings")
application = get_wsgi_application()
# The URLconf, and every view, serializer and form module it imports, loaded as the process starts rather
# than while the first request it is given waits (each gunicorn worker's first requests took ~0.5 s longer).
get_resolver().url_patterns  # noqa: B018 (evaluated for its import)
