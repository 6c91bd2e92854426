print("promshard")
