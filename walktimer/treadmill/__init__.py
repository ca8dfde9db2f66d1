"""Bluetooth FTMS treadmills: the adapter on bleak, its bumble transport and an emulator."""
