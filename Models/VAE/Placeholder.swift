import Zoo
