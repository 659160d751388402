-- One database per service (each service owns its schema; none reads another's tables).
CREATE DATABASE identity;
CREATE DATABASE records;
CREATE DATABASE photos;
CREATE DATABASE notify;
CREATE DATABASE corrections;
CREATE DATABASE subscriptions;
CREATE DATABASE reports;
