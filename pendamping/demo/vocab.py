"""Word lists for the demo data: Javanese and Madurese names, streets, KUBE names, banks.

Data only. The lists are tuples so the generator picks from them in a fixed order (determinism)."""

# Long word lists read better packed than one word per line.
# fmt: off
# Javanese heads of family: often a single name, sometimes two.
JAVANESE_MALE = (
    "Slamet", "Sugeng", "Joko", "Bambang", "Agus", "Budi", "Eko", "Heru", "Wahyu", "Sutrisno",
    "Suparman", "Supriyadi", "Mulyono", "Sukardi", "Sumarno", "Paijo", "Tukiman", "Kasim", "Darmaji",
    "Yatno", "Gimin", "Sarwo", "Teguh", "Hadi", "Warsito", "Sunarto", "Sukirno", "Marsudi", "Parno",
    "Suwarno", "Ngadiman", "Suroso", "Wagiman", "Kusnadi", "Samsul", "Imam", "Nur", "Rohmad", "Suyono",
    "Darto",
)
JAVANESE_FEMALE = (
    "Sri", "Siti", "Sumiati", "Sulastri", "Tukiyem", "Painem", "Ngatini", "Kasiyem", "Juwariyah", "Endang",
    "Rukmini", "Marsini", "Musrifah", "Suwarni", "Sumarni", "Kartini", "Yuliati", "Lestari", "Wahyuni",
    "Rahayu", "Mulyani", "Suprapti", "Suliyah", "Tumini", "Sarmi", "Katemi", "Poniyem", "Sukesi",
    "Jumiatun", "Umi",
)
JAVANESE_SECOND = (
    "Santoso", "Prasetyo", "Riyadi", "Susilo", "Wibowo", "Hartono", "Purnomo", "Widodo", "Setiawan",
    "Suyanto", "Nugroho", "Rahardjo", "Utomo", "Hidayat", "Saputro", "Wahyudi", "Sugiarto", "Kurniawan",
)
JAVANESE_FEMALE_SECOND = (
    "Wahyuni", "Rahayu", "Lestari", "Aminah", "Fatimah", "Handayani", "Rahmawati", "Suryani", "Astuti",
    "Ningsih", "Wulandari", "Purwanti", "Khotimah", "Maryam",
)
MADURESE_MALE = (
    "Moh. Holil", "Abd. Rahem", "Matrawi", "Sahwi", "Mistar", "Holili", "Juhari", "Sanimo", "Marsuki",
    "Saleh", "Moh. Sahri", "Abd. Ghofur", "Busiri", "Hasan", "Mat Sari", "Moh. Toyyib", "Sunardi",
    "Hosnan", "Rasidi", "Moh. Ridwan", "Jumali", "Nasiruddin", "Subairi", "Suhri",
)
MADURESE_FEMALE = (
    "Sitti Maryam", "Hotimah", "Mistiyah", "Suhaila", "Sumaiyah", "Halimah", "Marfuah", "Rukayah",
    "Sitti Aisyah", "Musyarrofah", "Hayati", "Juhairiyah", "Nur Hasanah", "Sitti Romlah", "Zaitun",
    "Muzayyanah", "Holifah", "Sanituk",
)

STREETS = (
    "Melati", "Kenanga", "Mawar", "Anggrek", "Flamboyan", "Cempaka", "Dahlia", "Nangka", "Rambutan",
    "Kalimas", "Bratang", "Semampir", "Wonokusumo", "Kapasan", "Tambak", "Kedung", "Simo", "Gembong",
)
DUSUN = (
    "Krajan", "Krajan Lor", "Krajan Kidul", "Sumberejo", "Tegalrejo", "Sidomulyo", "Karanganyar",
    "Ngemplak", "Kebonsari", "Wonosari", "Sukorejo", "Gunungsari", "Kalisari", "Tanjung", "Bandungan",
    "Laok Songai", "Dajah", "Tengah",
)

KUBE_FIRST = (
    "Mawar", "Melati", "Sumber", "Maju", "Berkah", "Sejahtera", "Rukun", "Makmur", "Mandiri", "Barokah",
    "Tunas", "Karya", "Sido", "Rejeki", "Lestari", "Bina", "Usaha", "Tani", "Mina", "Guyub",
)
KUBE_SECOND = (
    "Jaya", "Makmur", "Sejahtera", "Rejeki", "Abadi", "Mandiri", "Bersama", "Lestari", "Manunggal",
    "Barokah", "Sentosa", "Rukun", "Mulyo", "Agung", "Utama",
)
# (label for Group.Sector.OTHER)
OTHER_SECTORS = (
    "Cuci motor", "Sablon kaos", "Ternak lebah madu", "Pangkas rambut", "Daur ulang sampah", "Jasa angkut",
)
INACTIVE_REASONS = ("Usaha berhenti, modal habis", "Sebagian besar anggota merantau", "Pasar sepi")
GRADUATED_REASONS = ("Usaha mandiri, omzet stabil", "Lulus pembinaan, bermitra dengan koperasi")
LEFT_REASONS = ("Pindah domisili", "Mengundurkan diri", "Bekerja di luar kota")

# (bank, weight, digits in an account number)
BANKS = (("BRI", 50, 15), ("Bank Jatim", 25, 10), ("BNI", 10, 10), ("BSI", 10, 10), ("Mandiri", 5, 13))
# fmt: on
