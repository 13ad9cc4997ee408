import sys
from pathlib import Path

# hostile_jobs must be importable by name in the workers too (they get this sys.path).
sys.path.insert(0, str(Path(__file__).parent))
