from libs.common.migrations import run_env
from services.media.tables import metadata

run_env(metadata)
