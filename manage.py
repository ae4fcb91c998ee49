#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Commands may run long (migrate, generate_bulk, a purge): no PostgreSQL timeouts unless set.
    os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")
    os.environ.setdefault("DATABASE_LOCK_TIMEOUT", "0")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        sys.exit(f"Configuration error: {error}")


if __name__ == "__main__":
    main()
