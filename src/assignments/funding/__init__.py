"""F — fund allocation and scenarios (资金分配 / 项目库)."""
