"""The Telethon adapter: the only package that talks to Telegram."""
