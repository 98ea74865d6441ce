from libs.common.migrations import run_env
from services.reporting.tables import metadata

run_env(metadata)
