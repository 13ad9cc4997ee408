# layerlab itself as a container:
#   docker build -t layerlab .  &&  docker run -p 8000:8000 layerlab
# then open http://127.0.0.1:8000. The same packages tools/setup.sh installs on a Debian machine.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv graphviz fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home layerlab
WORKDIR /app
COPY pyproject.toml README.md babel.cfg ./
COPY app app
COPY templates templates
COPY static static
COPY lessons lessons
RUN python3 -m venv /venv && /venv/bin/pip install --no-cache-dir -e .
USER layerlab
ENV LAYERLAB_WARM=1
EXPOSE 8000
CMD ["/venv/bin/gunicorn", "--preload", "--workers", "2", "--limit-request-line", "0", "--bind", "0.0.0.0:8000", "app:create_app()"]
