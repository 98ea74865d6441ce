from libs.common.migrations import run_env
from services.auth.tables import metadata

run_env(metadata)
