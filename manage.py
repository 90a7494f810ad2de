#!/usr/bin/env python
from pendamping.cli import main

if __name__ == "__main__":
    main()
