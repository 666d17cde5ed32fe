"""govsite: census and performance evaluation of government websites (政府网站普查与绩效评估)."""

__version__ = "0.1.0"
USER_AGENT = f"govsite/{__version__} (+https://github.com/govsite/govsite; 政府网站普查)"
