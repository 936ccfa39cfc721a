# One image for web (gunicorn), Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=strategy_exchange.settings VAR_DIR=/app/var

# Pango, HarfBuzz-Subset (font subsetting) and fonts for WeasyPrint (PDF reports); gettext for compiled messages.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY strategy_exchange strategy_exchange
COPY participants participants
COPY clauses clauses
COPY rounds rounds
RUN pip install .
COPY . .
RUN python manage.py compilemessages --ignore=.venv \
 && DEBUG=0 SECRET_KEY=build-only python manage.py collectstatic --noinput \
 && useradd --create-home --uid 1000 app && mkdir -p /app/var && chown -R app /app/var

USER app
EXPOSE 8000
CMD ["gunicorn", "strategy_exchange.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
