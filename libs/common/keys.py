"""The JWT key files, read once they exist (auth or `prodtrack up` creates them)."""

from pathlib import Path

from libs.common.errors import ServiceUnavailable


class Keys:
    def __init__(self, private_path: Path, public_path: Path):
        self.private_path = private_path
        self.public_path = public_path
        self._public: bytes | None = None
        self._private: bytes | None = None

    def public_key(self) -> bytes:
        if self._public is None:
            if not self.public_path.exists():
                raise ServiceUnavailable("Token keys are not configured")
            self._public = self.public_path.read_bytes()
        return self._public

    def private_key(self) -> bytes:
        if self._private is None:
            self._private = self.private_path.read_bytes()
        return self._private
