# Seed 000_13f4dfa0f99754ee.txt, example 11 (first file): configuration classes.
# Repaired: the seed lost the indentation of the class bodies; restored.
# config.py
class Config:
    DEBUG = False
    TESTING = False
    SECRET_KEY = 'dev'
class DevelopmentConfig(Config):
    DEBUG = True
class ProductionConfig(Config):
    SECRET_KEY = 'prod-secret-key'
