from libs.common.migrations import run_env
from services.data.tables import metadata

run_env(metadata)
