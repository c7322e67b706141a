# The same package the README installs, for the production compose file.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY triage ./triage
COPY channels ./channels
COPY playbooks ./playbooks
RUN pip install . && useradd --create-home --uid 10001 triage
USER triage
ENV TRIAGE_HOME=/home/triage/data
EXPOSE 8000
CMD ["triage", "serve", "--host", "0.0.0.0", "--port", "8000"]
