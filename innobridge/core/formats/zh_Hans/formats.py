from innobridge.core.formats._chinese import *  # noqa: F403
