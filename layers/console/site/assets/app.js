// videogen console
