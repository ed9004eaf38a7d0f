# The bot for production: polling, or webhooks with TELEGRAM_WEBHOOK_URL. Configuration comes
# from the environment only (see README → Running in production); nothing of the local
# emulators, the sandbox, the catalog tooling or the tests is in the image.

# --- build: the locked runtime dependencies, hash-checked, into a virtualenv
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.prod.lock /tmp/requirements.prod.lock
RUN /opt/venv/bin/pip install --require-hashes -r /tmp/requirements.prod.lock

# --- run: the virtualenv and the product (code, flows, models, texts), as a non-root user
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 bot
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY main.py pyproject.toml ./
COPY engine engine
COPY plugins plugins
COPY app app
COPY flows flows
COPY models models
COPY locales locales
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    HTTP_HOST=0.0.0.0 HTTP_PORT=8081 LOG_FORMAT=json
# compile the code to bytecode once, here (PYTHONDONTWRITEBYTECODE: a start would otherwise
# compile every module again, 0.15 s of each start), and lint the bundle once: a start then
# trusts the verdict for these very files and code
RUN python -m compileall -q engine plugins app
RUN python -m app.lint_verdict /app/.data
USER bot
EXPOSE 8081
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('HTTP_PORT', '8081'), timeout=4)"]
STOPSIGNAL SIGTERM
CMD ["python", "main.py"]
