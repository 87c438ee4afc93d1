FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# CJK fonts and WeasyPrint's Pango and HarfBuzz (with its subsetter) for the PDFs the portal renders;
# gettext for the catalogues.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk gettext libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -e . \
 && STATIC_MANIFEST=1 python manage.py collectstatic --noinput -v0
ENV STATIC_MANIFEST=1
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "singlewindow.wsgi"]
