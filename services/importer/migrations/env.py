from libs.common.migrations import run_env
from services.importer.tables import metadata

run_env(metadata)
