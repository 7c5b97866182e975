import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_trace_window_from_required")]

    operations = [
        migrations.CreateModel(
            name="TreatmentInstitution",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="机构名称")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("designated", "定点医院"),
                            ("fever_clinic", "发热门诊"),
                            ("shelter", "方舱医院"),
                            ("other", "其他"),
                        ],
                        default="designated",
                        max_length=14,
                        verbose_name="类型",
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="排序")),
                ("active", models.BooleanField(default=True, verbose_name="启用")),
            ],
            options={
                "verbose_name": "收治机构",
                "verbose_name_plural": "收治机构",
                "ordering": ["order", "name"],
            },
        ),
        migrations.AddField(
            model_name="case",
            name="institution",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="cases.treatmentinstitution",
                verbose_name="收治机构",
            ),
        ),
    ]
