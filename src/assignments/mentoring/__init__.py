"""M — mentor pairing (师徒结对 / 导师带徒 / 结对帮扶)."""
