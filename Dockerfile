# Mogi web and worker image (the same image runs gunicorn, celery worker and celery beat).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_DEBUG=0
WORKDIR /app

COPY pyproject.toml ./
RUN pip install --no-cache-dir --upgrade pip
COPY . .
RUN pip install --no-cache-dir . \
    && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput

# Static files are collected into the image; setup collects again (a no-op unless the
# image was changed by hand), so the app user owns them.
RUN useradd --create-home mogi && chown -R mogi /app/staticfiles
USER mogi
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "30", "--graceful-timeout", "20"]
