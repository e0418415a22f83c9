# syntax=docker/dockerfile:1
# The newsevents worker image (also runs `newsevents feed`). Built by docker-compose.yml.
# Dependencies are pinned by requirements.lock; rocksdict provides the rocksdb:// table store for real Kafka.
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md requirements.lock ./
COPY schemas ./schemas
COPY streams ./streams
# The cache mount keeps downloaded wheels between builds without putting them in a layer.
RUN --mount=type=cache,target=/root/.cache/pip pip install -c requirements.lock ".[rocksdb]" && pip check

FROM python:3.11-slim-bookworm
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    NEWSEVENTS_WEB_HOST=0.0.0.0 \
    NEWSEVENTS_WEB_PORT=6066 \
    NEWSEVENTS_STORE=rocksdb:// \
    NEWSEVENTS_DATA_DIR=/var/lib/newsevents
RUN useradd --system --uid 10001 --home-dir /var/lib/newsevents --create-home newsevents
USER newsevents
WORKDIR /var/lib/newsevents
EXPOSE 6066
ENTRYPOINT ["newsevents"]
CMD ["worker"]
