# One image for every part of prodtrack; the command picks the service.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PRODTRACK_DATA_DIR=/var/lib/prodtrack
WORKDIR /app
COPY pyproject.toml README.md ./
COPY libs libs
COPY services services
COPY gateway gateway
COPY prodtrack prodtrack
RUN pip install --no-cache-dir .
EXPOSE 8080
CMD ["prodtrack", "serve", "gateway", "--host", "0.0.0.0", "--port", "8080"]
