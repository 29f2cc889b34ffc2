# Gatekeeper in a container: `docker build -t gatekeeper .` then see compose.yaml.
# The session (the bot's login and update state) and the SQLite database live on /data.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GATEKEEPER_SESSIONS_DIR=/data/sessions \
    GATEKEEPER_DATABASE_URL=sqlite+aiosqlite:////data/gatekeeper.db \
    GATEKEEPER_HEALTH_HOST=0.0.0.0 \
    GATEKEEPER_HEALTH_PORT=8080 \
    GATEKEEPER_LOG_JSON=true

RUN useradd --system --uid 10001 --create-home --home-dir /home/gatekeeper gatekeeper \
    && mkdir -p /app /data/sessions \
    && chown -R gatekeeper:gatekeeper /data

WORKDIR /app
COPY pyproject.toml README.md run.py ./
COPY gatekeeper ./gatekeeper
COPY migrations ./migrations
# Editable: the migrations are read from /app/migrations, beside the code.
RUN pip install --no-cache-dir -e '.[sentry]'

USER gatekeeper
VOLUME ["/data"]
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status != 200)"]

ENTRYPOINT ["python", "-m", "gatekeeper"]
CMD ["run"]
